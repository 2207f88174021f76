/**
 * Follow a model: new published versions and deprecations reach the user's inbox, and their
 * webhook if they give one (its signing secret is shown once, here). A plan with a daily request
 * quota may be chosen for the model's future inference API (stored now, not enforced yet).
 */
import { useState } from 'react';
import { request } from '../api/graphql-client';
import { useQuery } from '../api/use-query';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { SecretBox } from '../components/SecretBox';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { useFormSubmit } from '../forms/use-form-submit';
import { MODEL_SUBSCRIPTION, SUBSCRIBE, UNSUBSCRIBE } from './model-operations';
import type { ModelSubscription } from './types';

export function SubscribeButton({ owner, name }: { owner: string; name: string }) {
  const { data, error, reload } = useQuery(MODEL_SUBSCRIPTION, { owner, name });
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const subscription = data?.subscriptionTo ?? null;
  const known = data !== undefined;

  return (
    <span className="button-group popover-anchor">
      <button
        type="button"
        className={subscription ? 'button small subscribed' : 'button secondary small'}
        aria-expanded={open}
        aria-pressed={subscription !== null}
        disabled={!known && !error}
        onClick={() => setOpen((o) => !o)}
        title={error?.message}
        data-testid="subscribe-button"
      >
        {subscription ? '✓ Subscribed' : 'Subscribe'}
      </button>
      {open && (
        <div className="popover card" data-testid="subscribe-panel">
          <ErrorMessage error={error} />
          {secret && (
            <SecretBox label="Webhook signing secret" value={secret} warning="It is shown this once: keep it to check the X-AIMass-Signature of each delivery." testId="webhook-secret" />
          )}
          {subscription ? (
            <Subscribed
              subscription={subscription}
              onUnsubscribed={() => {
                setSecret(null);
                reload();
              }}
            />
          ) : (
            known && (
              <SubscribeForm
                owner={owner}
                name={name}
                onSubscribed={(webhookSecret) => {
                  setSecret(webhookSecret);
                  reload();
                }}
              />
            )
          )}
        </div>
      )}
    </span>
  );
}

function SubscribeForm({ owner, name, onSubscribed }: { owner: string; name: string; onSubscribed(webhookSecret: string | null): void }) {
  const form = useForm({ webhookUrl: '', planName: '', dailyRequestQuota: '' }, ['plan', 'plan.name', 'plan.dailyRequestQuota']);

  async function submit() {
    const planName = form.values.planName.trim();
    const quota = form.values.dailyRequestQuota.trim();
    const input = {
      kind: 'MODEL' as const,
      owner,
      name,
      webhookUrl: form.values.webhookUrl.trim() || null,
      plan: planName || quota ? { name: planName, dailyRequestQuota: Number(quota) } : null,
    };
    const result = await form.run(() => request(SUBSCRIBE, { input }));
    if (result) onSubscribed(result.subscribe.webhookSecret);
  }

  const planError = [form.problems.fields.plan, form.problems.fields['plan.name'], form.problems.fields['plan.dailyRequestQuota']].filter(Boolean).join('; ');
  return (
    <Form form={form} onSubmit={submit} heading={`Follow ${owner}/${name}`} alertTestId="subscribe-alert">
      <p className="muted small">New published versions and deprecations will reach your inbox.</p>
      <TextField label="Webhook URL (optional)" type="url" placeholder="https://…" hint="Each notification is also POSTed here, signed." testId="subscribe-webhook" {...form.field('webhookUrl')} />
      <div className="inline-fields">
        <TextField label="Plan (optional)" placeholder="free" testId="subscribe-plan" {...form.field('planName')} error={planError || undefined} />
        <TextField label="Requests a day" inputMode="numeric" testId="subscribe-quota" {...form.field('dailyRequestQuota')} />
      </div>
      <p className="hint">The plan is for this model’s inference API: stored now, not enforced yet.</p>
      <SubmitButton busy={form.busy} busyLabel="Subscribing…" testId="subscribe-submit">
        Subscribe
      </SubmitButton>
    </Form>
  );
}

function Subscribed({ subscription, onUnsubscribed }: { subscription: ModelSubscription; onUnsubscribed(): void }) {
  const submit = useFormSubmit([]);
  return (
    <div className="form" data-testid="subscribed">
      <p>
        You follow this model since <DateTime value={subscription.createdAt} />.
      </p>
      <dl className="facts">
        <dt>Webhook</dt>
        <dd>{subscription.webhookUrl ? <code>{subscription.webhookUrl}</code> : <span className="muted">none</span>}</dd>
        <dt>Plan</dt>
        <dd>{subscription.plan ? `${subscription.plan.name}: ${subscription.plan.dailyRequestQuota.toLocaleString()} requests a day` : <span className="muted">none</span>}</dd>
      </dl>
      <ErrorMessage error={submit.problems.alert} />
      <button
        type="button"
        className="button secondary small"
        disabled={submit.busy}
        onClick={async () => {
          if (await submit.run(() => request(UNSUBSCRIBE, { id: subscription.id }))) onUnsubscribed();
        }}
        data-testid="unsubscribe"
      >
        {submit.busy ? 'Unsubscribing…' : 'Unsubscribe'}
      </button>
    </div>
  );
}
