/**
 * Serving's side of SQL: deploys what CREATE MODEL … OPTIONS (deploy = TRUE | deployment = 'name')
 * trained (training's TrainedVersions listeners), and answers small ML.PREDICTs online (ml's
 * OnlinePredictor slot). Each half is connected only when its part is given.
 */
import type { MlServices } from '../../ml/index.js';
import type { TrainingServices } from '../../training/index.js';
import type { OnlinePredictor } from '../../ml/index.js';
import type { SqlDeployer } from './trained-version-deployer.js';

export function connectSql(
  { trainedVersions }: Pick<TrainingServices, 'trainedVersions'>,
  { ml }: Pick<MlServices, 'ml'>,
  parts: { deployer?: SqlDeployer; onlinePredictor?: OnlinePredictor },
): void {
  const { deployer, onlinePredictor } = parts;
  if (deployer) trainedVersions.onTrained((event) => deployer.deployTrained(event));
  if (onlinePredictor) ml.useOnlinePredictor(onlinePredictor);
}
