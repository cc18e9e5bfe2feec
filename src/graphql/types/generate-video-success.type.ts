import { Field, ObjectType } from 'type-graphql';
import { VideoTask } from './video-task.type';

@ObjectType({ description: 'The generation was accepted upstream and is being followed.' })
export class GenerateVideoSuccess {
  @Field(() => VideoTask)
  task!: VideoTask;

  @Field(() => [String], { description: 'Accepted, but worth knowing (e.g. a prompt over 500 characters).' })
  warnings!: string[];

  @Field(() => Boolean, { description: 'True when an idempotency key returned an earlier submission.' })
  replayed!: boolean;

  constructor(init: { task: VideoTask; warnings: string[]; replayed: boolean }) {
    this.task = init.task;
    this.warnings = init.warnings;
    this.replayed = init.replayed;
  }
}
