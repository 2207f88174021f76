/** Every migration, in order. Add new ones at the end (see docs/development.md, "Writing a migration"). */
import { Foundation1764300000000 } from './1764300000000-Foundation.js';
import { Compute1764400000000 } from './1764400000000-Compute.js';
import { Datasets1764500000000 } from './1764500000000-Datasets.js';
import { Catalog1764600000000 } from './1764600000000-Catalog.js';
import { DatasetMarket1764700000000 } from './1764700000000-DatasetMarket.js';
import { DatasetSharing1764800000000 } from './1764800000000-DatasetSharing.js';
import { ModelPublishing1764900000000 } from './1764900000000-ModelPublishing.js';
import { Architectures1765000000000 } from './1765000000000-Architectures.js';
import { ModelSharing1765200000000 } from './1765200000000-ModelSharing.js';
import { ModelSearch1765300000000 } from './1765300000000-ModelSearch.js';
import { Notifications1765100000000 } from './1765100000000-Notifications.js';
import { Training1765500000000 } from './1765500000000-Training.js';
import { TrainingTuning1765700000000 } from './1765700000000-TrainingTuning.js';
import { MlJobs1765800000000 } from './1765800000000-MlJobs.js';
import { Trust1766200000000 } from './1766200000000-Trust.js';
import { SqlSandbox1766100000000 } from './1766100000000-SqlSandbox.js';
import { SignupLimits1766300000000 } from './1766300000000-SignupLimits.js';
import { HubEvents1766700000000 } from './1766700000000-HubEvents.js';
import { ClaimQueueIndex1766800000000 } from './1766800000000-ClaimQueueIndex.js';
import { Deployments1766900000000 } from './1766900000000-Deployments.js';
import { ServingUsage1766910000000 } from './1766910000000-ServingUsage.js';
import { TrainingDeploy1766950000000 } from './1766950000000-TrainingDeploy.js';
import { Benchmarks1767000000000 } from './1767000000000-Benchmarks.js';
import { MlHubScores1767010000000 } from './1767010000000-MlHubScores.js';
import { TrafficSplit1767030000000 } from './1767030000000-TrafficSplit.js';
import { ServingMetrics1767020000000 } from './1767020000000-ServingMetrics.js';
import { Leaderboards1767040000000 } from './1767040000000-Leaderboards.js';
import { Autoscaling1767050000000 } from './1767050000000-Autoscaling.js';
import { DeploymentEvents1767060000000 } from './1767060000000-DeploymentEvents.js';
import { DeploymentAlerts1767090000000 } from './1767090000000-DeploymentAlerts.js';
import { Standings1767110000000 } from './1767110000000-Standings.js';
import { DeploymentRollouts1767070000000 } from './1767070000000-DeploymentRollouts.js';
import { Budgets1767095000000 } from './1767095000000-Budgets.js';
import { VerifiedEvaluation1767100000000 } from './1767100000000-VerifiedEvaluation.js';


export const migrations = [Foundation1764300000000, Compute1764400000000, Datasets1764500000000, Catalog1764600000000, DatasetMarket1764700000000, DatasetSharing1764800000000, ModelPublishing1764900000000, Architectures1765000000000, ModelSharing1765200000000, ModelSearch1765300000000, Notifications1765100000000, Training1765500000000, TrainingTuning1765700000000, MlJobs1765800000000, Trust1766200000000, SqlSandbox1766100000000, SignupLimits1766300000000, HubEvents1766700000000, ClaimQueueIndex1766800000000, Deployments1766900000000, ServingUsage1766910000000, TrainingDeploy1766950000000, Benchmarks1767000000000, MlHubScores1767010000000, ServingMetrics1767020000000, TrafficSplit1767030000000, Leaderboards1767040000000, Autoscaling1767050000000, DeploymentEvents1767060000000, Standings1767110000000, DeploymentRollouts1767070000000, Budgets1767095000000, VerifiedEvaluation1767100000000, DeploymentAlerts1767090000000];
