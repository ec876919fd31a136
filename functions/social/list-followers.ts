import { followListHandler } from '../../shared/social/http.ts';

export const handler = followListHandler('followers');
