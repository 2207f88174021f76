/** "vision, Demo ,," → ["vision", "Demo"]: the tags typed in a comma-separated field (the hub lower-cases them). */
export function splitTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}
