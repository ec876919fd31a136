import * as z from '../zod.ts';
import { timestampSchema } from '../http/schemas.ts';
import { publicUsernameSchema } from '../users/model.ts';
import { linkEventTypeSchema, type LinkEvent } from './model.ts';

/** The public contract's NewsEvent: its names (`event_type`, `username`) differ from the domain's on purpose. */
const newsEventSchema = z.meta(
  z.object({
    id: z.string(),
    event_type: linkEventTypeSchema,
    username: z.meta(publicUsernameSchema, { description: 'The author of the link, never the reader.' }),
    url: z.string(),
    title: z.string(),
    timestamp: timestampSchema,
  }),
  { id: 'NewsEvent' },
);

export const newsPage = z.meta(
  z.object({ events: z.array(newsEventSchema), next_token: z.nullable(z.string()) }),
  { id: 'NewsPage' },
);

/** The one mapping from the domain's LinkEvent to the contract's NewsEvent. */
export function toNewsEvent(event: LinkEvent): z.infer<typeof newsEventSchema> {
  return {
    id: event.id,
    event_type: event.type,
    username: event.author,
    url: event.url,
    title: event.title,
    timestamp: event.timestamp,
  };
}
