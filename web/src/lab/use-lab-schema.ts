/**
 * What the editor completes: the datasets the caller can read with their latest version's columns,
 * and the models they can see. The lists come first (completion works on names at once); columns
 * follow, one small query a dataset, at most COLUMN_LOOKUPS of them, mine first.
 */
import { useEffect, useState } from 'react';
import { request } from '../api/graphql-client';
import { LAB_DATASET_COLUMNS, LAB_DATASETS, LAB_MODELS } from './lab-operations';
import type { LabSchema, SqlColumn } from './types';

const COLUMN_LOOKUPS = 40;

const EMPTY: LabSchema = { datasets: [], models: [] };

export function useLabSchema(me: string): LabSchema {
  const [schema, setSchema] = useState<LabSchema>(EMPTY);

  useEffect(() => {
    let current = true;
    // A list that cannot be loaded leaves completion without it; the editor works all the same.
    const datasets = request(LAB_DATASETS).then(
      (data) => data.datasets.edges.map((edge) => edge.node),
      () => [],
    );
    const models = request(LAB_MODELS).then(
      (data) => data.models.edges.map((edge) => edge.node),
      () => [],
    );
    void Promise.all([datasets, models]).then(async ([datasetList, modelList]) => {
      if (!current) return;
      const mineFirst = [...datasetList].sort((a, b) => Number(b.owner === me) - Number(a.owner === me));
      const named = { datasets: mineFirst.map((d) => ({ owner: d.owner, name: d.name, columns: [] as SqlColumn[] })), models: modelList };
      setSchema(named);
      const withVersions = mineFirst.filter((d) => d.versions.length > 0).slice(0, COLUMN_LOOKUPS);
      const columns = await Promise.allSettled(
        withVersions.map((d) => request(LAB_DATASET_COLUMNS, { owner: d.owner, name: d.name })),
      );
      if (!current) return;
      const found = new Map<string, SqlColumn[]>();
      columns.forEach((answer, i) => {
        if (answer.status === 'fulfilled') found.set(`${withVersions[i].owner}/${withVersions[i].name}`, answer.value.datasetVersion.columns);
      });
      setSchema({
        datasets: named.datasets.map((d) => ({ ...d, columns: found.get(`${d.owner}/${d.name}`) ?? [] })),
        models: modelList,
      });
    });
    return () => {
      current = false;
    };
  }, [me]);

  return schema;
}
