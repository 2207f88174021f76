/** Star or unstar a model (see sharing/StarToggle). */
import { request } from '../api/graphql-client';
import { StarToggle } from '../sharing/StarToggle';
import { STAR_MODEL } from './model-operations';

export interface StarButtonProps {
  owner: string;
  name: string;
  stars: number;
  starred: boolean;
}

export function StarButton({ owner, name, stars, starred }: StarButtonProps) {
  return (
    <StarToggle
      stars={stars}
      starred={starred}
      what="this model"
      setStarred={async (next) => {
        const { starModel } = await request(STAR_MODEL, { owner, name, starred: next });
        return { stars: starModel.stars, starred: starModel.viewerHasStarred };
      }}
    />
  );
}
