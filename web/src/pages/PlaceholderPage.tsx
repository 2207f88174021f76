/** A section this hub does not offer: its name and one sentence on what to use instead. */
import type { Section } from '../sections';
import { usePageTitle } from '../components/use-page-title';

export function PlaceholderPage({ section }: { section: Section }) {
  usePageTitle(section.label);
  return (
    <div className="page">
      <h1>{section.label}</h1>
      <p className="placeholder" data-testid="section-unavailable">
        {section.unavailable}
      </p>
    </div>
  );
}
