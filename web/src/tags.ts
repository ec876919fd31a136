/** Tags as a person types them (spaces or commas between), as the API keeps them: lower-cased, unique. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((tag) => tag.toLowerCase()),
    ),
  ];
}

/** What an edit changes in a link's tags, as the API's `add_tags` and `remove_tags`. */
export function tagChanges(before: string[], after: string[]): { add_tags: string[]; remove_tags: string[] } {
  return {
    add_tags: after.filter((tag) => !before.includes(tag)),
    remove_tags: before.filter((tag) => !after.includes(tag)),
  };
}

/** A regex (RE2 syntax) that matches exactly this text: finds one link by its URL with `url_regex`. */
export function exactly(text: string): string {
  return `^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}
