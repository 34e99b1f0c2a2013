import type { IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll } from 'vitest';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import type { Iam } from '../../activities/ports.js';
import { suiteClient } from '../harness.js';
import { MOTO_CREDENTIALS, motoClient, startMoto, type MotoPeer } from '../peers/moto.js';
import { startPeers, type Peers } from './incident.js';
import { startIntake, type IntakeServer } from './intake.js';

/** What a live end-to-end test drives: the intake over HTTP, the peers, and moto with the real IAM adapter. */
export interface LiveWorld {
  readonly client: Client;
  readonly peers: Peers;
  readonly moto: MotoPeer;
  /** An admin client on moto, to arrange and to look. */
  readonly admin: IAMClient;
  /** The adapter Warden acts through. */
  readonly iam: Iam;
  readonly intake: IntakeServer;
}

/** Starts the world before the file's tests and stops it after; read it inside tests. */
export function useLiveWorld(): () => LiveWorld {
  let world: LiveWorld | undefined;
  beforeAll(async () => {
    const client = await suiteClient();
    const moto = await startMoto();
    world = {
      client,
      peers: await startPeers(),
      moto,
      admin: motoClient(moto.endpoint),
      iam: createAwsIam({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }),
      intake: await startIntake(client),
    };
  }, 120_000);
  afterAll(async () => {
    if (!world) return;
    world.intake.close();
    await world.moto.stop();
    await world.peers.close();
    await world.client.connection.close();
  });
  return () => {
    if (!world) throw new Error('the live world is not started yet');
    return world;
  };
}
