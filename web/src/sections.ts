/**
 * The portal's sections, in navigation order. A section this hub does not offer says so in one
 * sentence, with what to use instead; it shows no made-up data.
 */
export interface Section {
  path: string;
  label: string;
  /** What the section offers, in one sentence (on the front page) */
  description?: string;
  /** One sentence shown on a section this hub does not offer: what there is instead */
  unavailable?: string;
}

export const SECTIONS: readonly Section[] = [
  {
    path: '/models',
    label: 'Models',
    description: 'Find models by what they do; publish, version, fork, star and follow them, each with a model card, tags and a license.',
  },
  {
    path: '/editor',
    label: 'Editor',
    description: 'Design a model architecture layer by layer, see each layer’s output shape and parameters as you type, and save it to train.',
  },
  {
    path: '/datasets',
    label: 'Datasets',
    description: 'Upload datasets that are cleaned, typed and profiled on arrival, explore their rows and statistics, and share them.',
  },
  {
    path: '/leaderboards',
    label: 'Leaderboards',
    description: 'Benchmarks with a dev split to explore and train on and a hidden test split only the hub scores against.',
  },
  {
    path: '/lab',
    label: 'Lab',
    description: 'Query datasets with SQL and train models with CREATE MODEL … AS SELECT, watching the training curve live.',
  },
  {
    path: '/deployments',
    label: 'Deployments',
    description: 'Put a model version online on contributed nodes and call it over TF Serving REST, KServe v2 or GraphQL, with live traffic and latency.',
  },
  {
    path: '/nodes',
    label: 'Nodes',
    description: 'Your compute nodes and the whole network: status, capabilities, load and measured speed, live.',
  },
  {
    path: '/jobs',
    label: 'Jobs',
    description: 'Run jobs on contributed compute and follow their progress and attempts live.',
  },
  { path: '/account', label: 'Account', description: 'Your profile, API keys, compute nodes and organizations.' },
];
