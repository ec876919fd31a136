/** A follow edge: `follower` follows `followed` since `since`. */
export interface Follow {
  follower: string;
  followed: string;
  since: string;
}

/** Where a newest-first listing of follows stands. */
export interface FollowPosition {
  since: string;
  username: string;
}

export interface FollowCounts {
  followers: number;
  following: number;
}
