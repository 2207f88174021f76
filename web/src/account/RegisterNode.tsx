/**
 * Registering a compute node, as the Account and Nodes pages offer it: the form, then the new
 * node's token and the command that starts its agent, shown once.
 */
import { useState } from 'react';
import { OneTimeSecret } from '../components/OneTimeSecret';
import { SecretBox } from '../components/SecretBox';
import { agentCommand } from './agent-command';
import { RegisterNodeForm } from './RegisterNodeForm';

export function RegisterNode({ onRegistered }: { onRegistered?(): void }) {
  const [registered, setRegistered] = useState<{ name: string; token: string } | null>(null);
  return (
    <>
      {registered && (
        <OneTimeSecret testId="node-registered" doneTestId="node-token-done" onDone={() => setRegistered(null)}>
          <SecretBox
            label={`Token of the node "${registered.name}"`}
            value={registered.token}
            warning="Copy it now: it will not be shown again. Anyone with it can act as this node."
            testId="node-token"
          />
          <SecretBox label="Start the agent on that machine with" value={agentCommand(registered.token)} testId="agent-command" />
        </OneTimeSecret>
      )}
      <RegisterNodeForm
        onRegistered={(node, token) => {
          setRegistered({ name: node.name, token });
          onRegistered?.();
        }}
      />
    </>
  );
}
