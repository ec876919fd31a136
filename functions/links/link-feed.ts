import * as z from '../../shared/zod.ts';
import { ATOM_CONTENT_TYPE } from '../../shared/http/atom.ts';
import { route } from '../../shared/http/handler.ts';
import { originOf } from '../../shared/http/request.ts';
import { validate } from '../../shared/http/validate.ts';
import { publicLinksFeed } from '../../shared/links/feeds.ts';
import { publicLinks } from '../../shared/links/service.ts';
import { usernameSchema } from '../../shared/users/model.ts';

const feedPath = z.object({ username: usernameSchema, tag: z.optional(z.string().check(z.minLength(1))) });

/**
 * GET /users/{username}/feed.atom and /users/{username}/tags/{tag}/feed.atom: the newest 50 public links (with
 * the tag) as an Atom feed. 404 for an unknown user.
 */
export const handler = route('linkFeed', async (request) => {
  const { username, tag } = validate(feedPath, request.pathParameters);
  const normalizedTag = tag?.trim().toLowerCase();
  const { author, links } = await publicLinks().newest(username, normalizedTag);
  return {
    status: 200,
    file: publicLinksFeed(author, links, originOf(request), normalizedTag),
    headers: { 'content-type': ATOM_CONTENT_TYPE },
    cacheable: { visibility: 'public' },
  };
});
