import { registerEnumType } from 'type-graphql';
import { VideoTaskStatus } from '../../domain/task-status';

registerEnumType(VideoTaskStatus, {
  name: 'VideoTaskStatus',
  description:
    'SUBMITTING -> QUEUED -> RUNNING -> SUCCEEDED | FAILED | EXPIRED. The last three are final. ' +
    'OUTCOME_UNKNOWN: the create got no answer saying whether it was accepted (it may be billed); ' +
    'an upstream callback can still resolve it to any later status.',
  valuesConfig: {
    SUBMITTING: { description: 'The create is on its way upstream; no upstream id yet.' },
    OUTCOME_UNKNOWN: {
      description:
        'The create may have been accepted (and billed) without an answer saying so; ' +
        'listed in unreconciledCreates until a callback resolves it.',
    },
  },
});

export { VideoTaskStatus };
