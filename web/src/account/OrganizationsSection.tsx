/** The organizations the user belongs to, with their role (each links to its members), and a form to create one. */
import { Link } from 'react-router';
import { MY_ORGANIZATIONS } from '../api/account-operations';
import type { Organization } from '../api/types';
import { useListQuery } from '../api/use-list-query';
import { DateTime } from '../components/DateTime';
import { ListView } from '../components/ListView';
import { CreateOrganizationForm } from './CreateOrganizationForm';

export function OrganizationsSection({ refresh }: { refresh: number }) {
  const list = useListQuery<Organization>(MY_ORGANIZATIONS, 'myOrganizations', refresh);

  return (
    <section className="card" aria-labelledby="orgs-heading" data-testid="orgs-section">
      <h2 id="orgs-heading">Organizations</h2>
      <ListView list={list}>
        {(organizations) =>
          organizations.length === 0 ? (
            <p className="muted">You do not belong to any organization yet.</p>
          ) : (
            <ul className="org-list" data-testid="orgs-list">
              {organizations.map((org) => (
                <li key={org.id} data-testid="org-row">
                  <Link to={`/organizations/${encodeURIComponent(org.handle)}`} className="org-name" data-testid="org-link">
                    {org.displayName || org.handle}
                  </Link>
                  {org.displayName && org.displayName !== org.handle && <code> @{org.handle}</code>}{' '}
                  {org.viewerRole && <span className="badge">{org.viewerRole.toLowerCase()}</span>}{' '}
                  <span className="muted small">
                    since <DateTime value={org.createdAt} />
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </ListView>
      <CreateOrganizationForm onCreated={list.reload} />
    </section>
  );
}
