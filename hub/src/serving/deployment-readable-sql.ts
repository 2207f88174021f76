/**
 * Which deployments a viewer may read or list, as SQL arms over deployments `d` (readable: not
 * private; listed: public): the same people DeploymentsService lets read one.
 */
export function deploymentReadableSql(me: string | null, isAdmin: boolean, mode: 'readable' | 'listed'): string {
  if (isAdmin) return 'true';
  const arms = [mode === 'listed' ? `d.visibility = 'public'` : `d.visibility <> 'private'`];
  if (me) {
    arms.push(
      `d.owner_id = ${me}`,
      `d.owner_id IN (SELECT organization_id FROM memberships WHERE user_id = ${me})`,
      `d.model_id IN (SELECT model_id FROM model_collaborators WHERE user_id = ${me})`,
      `d.model_id IN (SELECT model_id FROM notification_subscriptions WHERE user_id = ${me} AND model_id IS NOT NULL)`,
    );
  }
  return `(${arms.join(' OR ')})`;
}
