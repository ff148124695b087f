// The create body, documented per media type: Swagger UI sends the YAML example as
// application/yaml (a string schema keeps it YAML) and the JSON one as an object.
import { applyDecorators } from '@nestjs/common';
import { ApiResponse, OpenAPIObject } from '@nestjs/swagger';
import { JSON_TYPES, TEXT_TYPES, YAML_TYPES } from '../common/body/parse-body';
import { StatusDto, statusExample } from '../common/status/status.dto';
import { SEED_JOB_JSON, SEED_JOB_WITH_REMARK_YAML, SEED_JOB_YAML } from './job.examples';

export function documentJobBodies(doc: OpenAPIObject): void {
  const post = doc.paths['/api/v1/_raw/job/namespace/{namespace}']?.post;
  if (!post) return;
  const yaml = {
    schema: { type: 'string' as const },
    examples: {
      seed: { summary: 'The source design example', value: SEED_JOB_YAML },
      remark: {
        summary: 'The same, with its //对应实例数 remark pasted in (422 at line 6)',
        value: SEED_JOB_WITH_REMARK_YAML,
      },
    },
  };
  post.requestBody = {
    required: true,
    description:
      'One batch/v1 Job, as YAML or JSON. text/plain is read as YAML (or JSON when it starts with "{").',
    content: {
      ...Object.fromEntries([...YAML_TYPES, ...TEXT_TYPES].map((type) => [type, yaml])),
      ...Object.fromEntries(
        JSON_TYPES.map((type) => [
          type,
          { schema: { type: 'object', additionalProperties: true }, example: SEED_JOB_JSON },
        ]),
      ),
    },
  };
}

/** A Status answer for each of `codes`, described in the route's own words where it has them. */
export const errorResponses = (
  codes: readonly number[],
  text: Readonly<Record<number, string>> = {},
): MethodDecorator =>
  applyDecorators(
    ...codes.map((status) =>
      ApiResponse({ status, type: StatusDto, description: text[status], example: statusExample(status) }),
    ),
  );
