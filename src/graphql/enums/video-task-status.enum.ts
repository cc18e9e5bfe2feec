import { registerEnumType } from 'type-graphql';
import { VideoTaskStatus } from '../../domain/task-status';

registerEnumType(VideoTaskStatus, {
  name: 'VideoTaskStatus',
  description: 'QUEUED -> RUNNING -> SUCCEEDED | FAILED | EXPIRED. The last three are final.',
});

export { VideoTaskStatus };
