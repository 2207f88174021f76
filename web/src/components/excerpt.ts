/** The start of a markdown text as plain words, for a list: markup dropped, at most `max` characters. */
export function excerpt(markdown: string, max = 120): string {
  const plain = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    // A URL may hold one level of parentheses: [a](https://en.wikipedia.org/wiki/Rain_(disambiguation)).
    .replace(/!\[[^\]]*\]\((?:[^()]|\([^()]*\))*\)/g, ' ')
    .replace(/\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[#>*_`~|-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1).trimEnd()}…` : plain;
}
