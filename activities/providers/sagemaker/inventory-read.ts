import { ListTagsCommand, paginateListEndpoints } from '@aws-sdk/client-sagemaker';
import type { EndpointCatalogRead, ServingEndpointRead } from '../../ports/inventory.js';
import { awsCall } from '../aws-iam/errors.js';
import { sageMakerClient, type SageMakerOptions } from './sagemaker-endpoints.js';

/** The inventory's SageMaker read: every endpoint of the region (ListEndpoints) with its tags (ListTags). Read-only. */
export function createSageMakerInventoryRead(opts: SageMakerOptions): EndpointCatalogRead {
  const client = sageMakerClient(opts);
  return {
    async listEndpoints() {
      const found = await awsCall({ service: 'sagemaker', operation: 'ListEndpoints', subject: 'the SageMaker endpoints' }, async () => {
        const all = [];
        for await (const page of paginateListEndpoints({ client }, {})) all.push(...(page.Endpoints ?? []));
        return all;
      });
      const out: ServingEndpointRead[] = [];
      for (const e of found) {
        const arn = e.EndpointArn ?? '';
        const tags = await awsCall({ service: 'sagemaker', operation: 'ListTags', subject: `SageMaker endpoint ${e.EndpointName}` }, () => client.send(new ListTagsCommand({ ResourceArn: arn })));
        out.push({
          name: e.EndpointName ?? '',
          arn,
          status: e.EndpointStatus ?? 'unknown',
          ...(e.CreationTime ? { createdAt: e.CreationTime.toISOString() } : {}),
          tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        });
      }
      return out;
    },
  };
}
