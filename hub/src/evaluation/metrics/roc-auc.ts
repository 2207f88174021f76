/**
 * The area under the ROC curve of scores against a positive / negative split: the probability that
 * a random positive scores above a random negative, counting ties as one half. Computed as the
 * Mann–Whitney U statistic from ranks — tied scores share their average rank, which is exactly
 * the one-half count — in O(n log n): AUC = (R⁺ − n⁺(n⁺ + 1)/2) / (n⁺ · n⁻), R⁺ the positives'
 * rank sum. Null when there are no positives or no negatives (the area is undefined).
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<number | boolean>): number | null {
  const n = scores.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && scores[order[j]] === scores[order[i]]) j++;
    const rank = (i + 1 + j) / 2; // ranks i+1 … j, averaged
    for (let t = i; t < j; t++) {
      if (positive[order[t]]) {
        rankSum += rank;
        positives++;
      }
    }
    i = j;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
