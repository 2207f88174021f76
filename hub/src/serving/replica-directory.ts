/**
 * Which replicas of a deployment can take requests, as the router needs to know them: the seam
 * between the deployments half of serving (which places replicas and hears `replica.ready`) and
 * the router (which picks among them). Replicas connected to other hubs are listed too: the router
 * reaches them through their hub (`hubInstance`).
 */
export interface ReplicaView {
  /** The serve job's id: the replica's id. */
  jobId: string;
  attempt: number;
  deploymentId: string;
  versionId: string;
  versionNumber: number;
  nodeId: string;
  nodeName: string;
  /** The hub process holding the agent's socket (Signals.instanceId). */
  hubInstance: string;
  /**
   * Values in each output row of the version it serves: labels.length for a classifier, 1 for a
   * regressor. The router refuses an answer whose rows are not this wide.
   */
  outputWidth: number;
}

export interface ReplicaDirectory {
  /** The replicas of a deployment that are ready now, on every hub, as far as this hub knows. */
  ready(deploymentId: string): readonly ReplicaView[];
  /** A replica stopped being ready (agent gone, canceled, lost): the router stops sending to it at once. */
  onGone(listener: (jobId: string) => void): () => void;
}
