/**
 * Compute nodes with what they offer and how they are doing. On the user's own nodes (`actions`
 * given) each row has Drain, Disable, Enable and Delete as its status allows.
 */
import type { ComputeNode } from '../api/types';
import { DataTable } from '../components/DataTable';
import { formatBytes, formatNumber } from '../components/format';
import { RelativeTime } from '../components/RelativeTime';
import { StatusBadge } from '../components/StatusBadge';
import { NodeActions, type NodeActionsProps } from './NodeActions';

export interface NodesTableProps {
  nodes: ComputeNode[];
  showOwner: boolean;
  /** The user's own nodes: what the row buttons need. */
  actions?: Omit<NodeActionsProps, 'node'>;
  empty: string;
}

export function NodesTable({ nodes, showOwner, actions, empty }: NodesTableProps) {
  return (
    <DataTable
      rows={nodes}
      rowKey={(node) => node.id}
      rowAttributes={(node) => ({ 'data-testid': 'compute-node-row', 'data-name': node.name, 'data-status': node.status })}
      caption="Compute nodes"
      testId="compute-nodes-table"
      empty={empty}
      emptyTestId="compute-nodes-empty"
      columns={[
        {
          header: 'Name',
          cell: (node) => (
            <>
              <span className="strong nowrap">{node.name}</span>
              {node.agentVersion && <span className="muted small block">agent {node.agentVersion}</span>}
            </>
          ),
        },
        showOwner && { header: 'Owner', cell: (node) => node.owner?.username ?? <span className="muted">—</span> },
        {
          header: 'Status',
          cell: (node) => (
            <>
              <StatusBadge status={node.status} testId="node-status" />
              {node.quarantineReason && <span className="muted small block">{node.quarantineReason}</span>}
              {node.operatorRun && <span className="muted small block">operator-run</span>}
              {node.throttledUntil && (
                <span className="muted small block" data-testid="node-throttled">
                  throttled (gave back {node.giveBacks} jobs)
                </span>
              )}
            </>
          ),
        },
        { header: 'Backend', cell: (node) => (node.backend ? <code data-testid="node-backend">{node.backend}</code> : <Dash />) },
        {
          header: 'GPU',
          cell: (node) =>
            node.gpuName ? `${node.gpuName}${node.gpuMemoryBytes ? ` (${formatBytes(node.gpuMemoryBytes)})` : ''}` : <Dash />,
        },
        { header: 'CPU cores', className: 'number', cell: (node) => node.cpuCores ?? <Dash /> },
        { header: 'Memory', className: 'number', cell: (node) => (node.memoryBytes ? formatBytes(node.memoryBytes) : <Dash />) },
        {
          header: 'Slots',
          className: 'number',
          cell: (node) => (
            <span title="Used: what it proved it runs at once, at most what it claims">
              {Math.min(node.slots, node.provenSlots)}
              {node.provenSlots < node.slots && <span className="muted small block nowrap">of {node.slots} claimed</span>}
            </span>
          ),
        },
        { header: 'Running jobs', className: 'number', cell: (node) => <span data-testid="node-running-jobs">{node.runningJobs}</span> },
        { header: 'Load', className: 'number', cell: (node) => (node.load === null ? <Dash /> : formatNumber(node.load)) },
        { header: 'Speed', cell: (node) => <Speed node={node} /> },
        { header: 'Last heartbeat', cell: (node) => <RelativeTime value={node.lastHeartbeatAt} empty="never" /> },
        actions && {
          header: 'Actions',
          hideHeader: true,
          className: 'actions',
          cell: (node) => <NodeActions node={node} {...actions} />,
        },
      ]}
    />
  );
}

/**
 * What the hub measured of the node's jobs (dispatch goes by it), what its benchmark claimed, and
 * a flag when the two disagree (shown to admins and the owner only).
 */
function Speed({ node }: { node: ComputeNode }) {
  return (
    <span data-testid="node-speed">
      {node.measuredSpeed === null ? (
        <span className="block muted nowrap" data-testid="node-measured-speed">
          not measured yet
        </span>
      ) : (
        <span className="block nowrap" data-testid="node-measured-speed" title={`Measured over ${node.speedSamples} jobs; 1× is a typical CPU node`}>
          {formatNumber(node.measuredSpeed)}× measured
        </span>
      )}
      {node.gflops !== null && <span className="block muted small nowrap">{formatNumber(node.gflops)} GFLOP/s claimed</span>}
      {node.stepsPerSecond !== null && <span className="block muted small nowrap">{formatNumber(node.stepsPerSecond)} steps/s claimed</span>}
      {node.speedFlag && (
        <span className="block small flag" role="note" data-testid="node-speed-flag">
          ⚑ {node.speedFlag}
        </span>
      )}
    </span>
  );
}

function Dash() {
  return <span className="muted">—</span>;
}
