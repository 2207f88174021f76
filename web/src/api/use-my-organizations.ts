/** The organizations the signed-in user belongs to, with their role in each (for owner pickers and write checks). */
import { MY_ORGANIZATIONS } from './account-operations';
import { useQuery } from './use-query';

export function useMyOrganizations() {
  const { data, error, loading } = useQuery(MY_ORGANIZATIONS);
  return { organizations: data?.myOrganizations.edges.map((edge) => edge.node), error, loading };
}
