import type { BlockAction } from '@slack/bolt';
import type { MessageRef } from '../../button-value.js';

/** The message whose button was clicked (channel and ts), from the payload's container. */
export function clickedMessage(body: BlockAction): MessageRef | undefined {
  const container = body.container as { channel_id?: unknown; message_ts?: unknown };
  const channel = typeof container.channel_id === 'string' ? container.channel_id : body.channel?.id;
  const ts = typeof container.message_ts === 'string' ? container.message_ts : body.message?.ts;
  return channel && ts ? { channel, ts } : undefined;
}
