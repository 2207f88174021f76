/** One line of upload progress on stderr, redrawn in place with `\r`. */
export function progressBar(sent: number, total: number, startedAt: number): string {
  const width = 30;
  const done = total === 0 ? 1 : Math.min(1, sent / total);
  const filled = Math.round(done * width);
  const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)}%  ${mb(sent)}/${mb(total)} MB  ${mb(sent / seconds)} MB/s`;
}
