/**
 * At most `max` UTF-16 code units (what string lengths, and so the API's limits, count), never splitting a
 * character: the two halves of a surrogate pair stay together or both go. A lone half is not Unicode: it cannot
 * be written as UTF-8 (DynamoDB, S3 and the JSON of other tools take a U+FFFD instead) nor put in a URL
 * (`encodeURIComponent` throws), so a cut tag or title must never end in one.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, splitsPair ? max - 1 : max);
}
