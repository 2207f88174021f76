/** A section that is not built yet: its name and one honest sentence about what is coming. */
import type { Section } from '../sections';
import { usePageTitle } from '../components/use-page-title';

export function PlaceholderPage({ section }: { section: Section }) {
  usePageTitle(section.label);
  return (
    <div className="page">
      <h1>{section.label}</h1>
      <p className="placeholder" data-testid="coming-next">
        {section.comingNext}
      </p>
    </div>
  );
}
