/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment TaskFields on VideoTask {\n  id\n  revision\n  status\n  mode\n  prompt\n  createdAt\n  finishedAt\n  expiresAt\n  options {\n    resolution\n    ratio\n    durationSeconds\n    returnLastFrame\n  }\n  videos {\n    url\n    durationSeconds\n  }\n  lastFrameUrl\n  usage {\n    costUsd\n    totalTokens\n  }\n  error {\n    code\n    message\n  }\n}": typeof types.TaskFieldsFragmentDoc,
    "mutation GenerateVideo($input: GenerateVideoInput!) {\n  generateVideo(input: $input) {\n    __typename\n    ... on GenerateVideoSuccess {\n      warnings\n      task {\n        ...TaskFields\n      }\n    }\n    ... on InvalidInputError {\n      code\n      message\n      issues {\n        path\n        code\n        message\n      }\n    }\n    ... on UpstreamError {\n      code\n      message\n      retryable\n    }\n    ... on RateLimitedError {\n      code\n      message\n      retryAfterSeconds\n    }\n  }\n}": typeof types.GenerateVideoDocument,
    "subscription TaskUpdated($id: ID!) {\n  videoTaskUpdated(id: $id) {\n    ...TaskFields\n  }\n}": typeof types.TaskUpdatedDocument,
    "query TaskHistory($first: Int!, $after: String) {\n  videoTasks(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...TaskFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.TaskHistoryDocument,
    "query DailyUsage($from: DateTime!, $to: DateTime!) {\n  usageReport(from: $from, to: $to, granularity: DAY) {\n    totals {\n      tasks\n      succeeded\n      costUsd\n    }\n    buckets {\n      start\n      totals {\n        tasks\n        succeeded\n        failed\n        costUsd\n        totalTokens\n      }\n    }\n  }\n}": typeof types.DailyUsageDocument,
};
const documents: Documents = {
    "fragment TaskFields on VideoTask {\n  id\n  revision\n  status\n  mode\n  prompt\n  createdAt\n  finishedAt\n  expiresAt\n  options {\n    resolution\n    ratio\n    durationSeconds\n    returnLastFrame\n  }\n  videos {\n    url\n    durationSeconds\n  }\n  lastFrameUrl\n  usage {\n    costUsd\n    totalTokens\n  }\n  error {\n    code\n    message\n  }\n}": types.TaskFieldsFragmentDoc,
    "mutation GenerateVideo($input: GenerateVideoInput!) {\n  generateVideo(input: $input) {\n    __typename\n    ... on GenerateVideoSuccess {\n      warnings\n      task {\n        ...TaskFields\n      }\n    }\n    ... on InvalidInputError {\n      code\n      message\n      issues {\n        path\n        code\n        message\n      }\n    }\n    ... on UpstreamError {\n      code\n      message\n      retryable\n    }\n    ... on RateLimitedError {\n      code\n      message\n      retryAfterSeconds\n    }\n  }\n}": types.GenerateVideoDocument,
    "subscription TaskUpdated($id: ID!) {\n  videoTaskUpdated(id: $id) {\n    ...TaskFields\n  }\n}": types.TaskUpdatedDocument,
    "query TaskHistory($first: Int!, $after: String) {\n  videoTasks(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...TaskFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.TaskHistoryDocument,
    "query DailyUsage($from: DateTime!, $to: DateTime!) {\n  usageReport(from: $from, to: $to, granularity: DAY) {\n    totals {\n      tasks\n      succeeded\n      costUsd\n    }\n    buckets {\n      start\n      totals {\n        tasks\n        succeeded\n        failed\n        costUsd\n        totalTokens\n      }\n    }\n  }\n}": types.DailyUsageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment TaskFields on VideoTask {\n  id\n  revision\n  status\n  mode\n  prompt\n  createdAt\n  finishedAt\n  expiresAt\n  options {\n    resolution\n    ratio\n    durationSeconds\n    returnLastFrame\n  }\n  videos {\n    url\n    durationSeconds\n  }\n  lastFrameUrl\n  usage {\n    costUsd\n    totalTokens\n  }\n  error {\n    code\n    message\n  }\n}"): typeof import('./graphql').TaskFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation GenerateVideo($input: GenerateVideoInput!) {\n  generateVideo(input: $input) {\n    __typename\n    ... on GenerateVideoSuccess {\n      warnings\n      task {\n        ...TaskFields\n      }\n    }\n    ... on InvalidInputError {\n      code\n      message\n      issues {\n        path\n        code\n        message\n      }\n    }\n    ... on UpstreamError {\n      code\n      message\n      retryable\n    }\n    ... on RateLimitedError {\n      code\n      message\n      retryAfterSeconds\n    }\n  }\n}"): typeof import('./graphql').GenerateVideoDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription TaskUpdated($id: ID!) {\n  videoTaskUpdated(id: $id) {\n    ...TaskFields\n  }\n}"): typeof import('./graphql').TaskUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TaskHistory($first: Int!, $after: String) {\n  videoTasks(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...TaskFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): typeof import('./graphql').TaskHistoryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DailyUsage($from: DateTime!, $to: DateTime!) {\n  usageReport(from: $from, to: $to, granularity: DAY) {\n    totals {\n      tasks\n      succeeded\n      costUsd\n    }\n    buckets {\n      start\n      totals {\n        tasks\n        succeeded\n        failed\n        costUsd\n        totalTokens\n      }\n    }\n  }\n}"): typeof import('./graphql').DailyUsageDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
