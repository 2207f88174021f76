/** The CLI's environment: where the hub is and the credential to use. The one place the CLI reads it. */
export interface CliEnvironment {
  hubUrl: string | undefined;
  token: string | undefined;
}

export function cliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  return { hubUrl: env.AIMASS_HUB_URL || undefined, token: env.AIMASS_TOKEN || undefined };
}
