import type { Session, User } from './model.ts';

export interface UserStore {
  /** Stores the user unless one with that username exists; returns whichever is stored. */
  createIfAbsent(user: User): Promise<User>;
  get(username: string): Promise<User | undefined>;
}

export interface SessionStore {
  put(session: Session): Promise<void>;
  /** Strongly consistent, so that a revoked token stops working at once. */
  get(tokenHash: string): Promise<Session | undefined>;
  delete(tokenHash: string): Promise<void>;
}
