export interface ChatMessage {
  /** Channel id or name (e.g. "#sec-incidents" or "C0123"). */
  readonly channel: string;
  readonly text: string;
  readonly blocks?: readonly unknown[];
  readonly threadTs?: string;
  /** Messages with the same key in a channel form one thread (e.g. one per incident). */
  readonly threadKey?: string;
  /** Same key, same message: a rerun finds the earlier post instead of posting again. */
  readonly idempotencyKey: string;
}

export interface ChatPostResult {
  readonly channel: string;
  readonly ts: string;
  /** The thread the message is in, when it is a reply. */
  readonly threadTs?: string;
  /** True when a message with this idempotency key was already in the channel. */
  readonly already: boolean;
}

export interface ChatUpdate {
  readonly channel: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks?: readonly unknown[];
}

export interface Chat {
  post(message: ChatMessage): Promise<ChatPostResult>;
  /** Re-renders a message in place (chat.update); the same content twice is harmless. */
  update(message: ChatUpdate): Promise<void>;
}
