/**
 * The area under the ROC curve of scores against a positive / negative split: the probability that
 * a random positive scores above a random negative, a tie counting one half — the Mann–Whitney U
 * statistic over n⁺ · n⁻, which is what ranking every score and giving tied scores their average
 * rank computes (AUC = (R⁺ − n⁺(n⁺ + 1)/2) / (n⁺ n⁻), R⁺ the positives' rank sum). Here it is
 * counted directly: the positives' and the negatives' scores each sorted (typed-array sorts, no
 * comparator), then one sweep counts, for each positive, the negatives below it and those equal to
 * it. O(n log n). Null when there are no positives or no negatives (the area is undefined).
 *
 * Shared by the hub (evaluation/metrics/classification-metrics.ts, a verified evaluation's areas)
 * and the agent (a training job's evaluation), so both count the same area the same way.
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<number | boolean>): number | null {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (positive[i]) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(negatives);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (positive[i]) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  pos.sort();
  neg.sort();
  let below = 0; // negatives scoring below the current positive
  let equal = 0; // negatives scoring the same
  let wins = 0;
  for (let i = 0; i < positives; i++) {
    const s = pos[i];
    if (i === 0 || s !== pos[i - 1]) {
      below += equal;
      equal = 0;
      while (below < negatives && neg[below] < s) below++;
      while (below + equal < negatives && neg[below + equal] === s) equal++;
    }
    wins += below + equal / 2;
  }
  return wins / (positives * negatives);
}
