// The summary as Swagger shows it; the values come from summary/job-summary.ts.
import { ApiProperty } from '@nestjs/swagger';
import type { EventSummary, JobPhase, JobSummary, PodSummary, ReasonSource } from '../summary/job-summary';

const PHASES: JobPhase[] = ['Pending', 'Running', 'Suspended', 'Succeeded', 'Failed'];
const SOURCES: ReasonSource[] = ['condition', 'pod', 'event', ''];

export class JobRefDto {
  @ApiProperty({ example: 'default' }) namespace!: string;
  @ApiProperty({ example: 'sleep1' }) name!: string;
  @ApiProperty({ example: '4f1c6a52-0d8e-4b8e-9d1e-2b8f0c1d2e3f' }) uid!: string;
}

export class JobCountsDto {
  @ApiProperty({ example: 0, description: 'status.active: pods running or waiting to run' }) active!: number;
  @ApiProperty({ example: 0, description: 'status.ready' }) ready!: number;
  @ApiProperty({ example: 0, description: 'status.succeeded' }) succeeded!: number;
  @ApiProperty({ example: 1, description: 'status.failed' }) failed!: number;
  @ApiProperty({ example: 0, description: 'status.terminating' }) terminating!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 3,
    description: 'spec.completions; null: the Job is done when any pod succeeds',
  })
  completions!: number | null;
  @ApiProperty({ example: 1, description: 'spec.parallelism' }) parallelism!: number;
}

export class PodSummaryDto implements PodSummary {
  @ApiProperty({ example: 'sleep1-7xk2p' }) name!: string;
  @ApiProperty({ example: 'Failed', description: 'status.phase' }) phase!: string;
  @ApiProperty({ example: false, description: 'The Ready condition is True' }) ready!: boolean;
  @ApiProperty({ example: 0, description: "Sum of the containers' restartCount" }) restarts!: number;
  @ApiProperty({ example: 'fake-node', description: 'spec.nodeName' }) node!: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 1,
    description: "A failing container's exit code, else the first ended one's",
  })
  exitCode!: number | null;
  @ApiProperty({
    example: 'Error',
    description: "The pod's most telling state, else its container's current reason",
  })
  reason!: string;
  @ApiProperty({ example: 'pod sleep1-7xk2p, container sleep1 failed with exit code 1' }) message!: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: null,
    description: 'Indexed Jobs: the completion index',
  })
  completionIndex!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: '2026-11-30T06:00:00Z' }) createdAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: '2026-11-30T06:00:01Z' }) startTime!: string | null;
  @ApiProperty({ example: false, description: 'metadata.deletionTimestamp is set' }) deleting!: boolean;
}

export class EventSummaryDto implements EventSummary {
  @ApiProperty({ type: 'string', nullable: true, example: '2026-11-30T06:00:00Z' }) time!: string | null;
  @ApiProperty({ example: 'Normal' }) type!: string;
  @ApiProperty({ example: 'SuccessfulCreate' }) reason!: string;
  @ApiProperty({ example: 'Created pod: sleep1-7xk2p' }) message!: string;
  @ApiProperty({ example: 'Job/sleep1', description: 'involvedObject kind/name' }) object!: string;
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ example: 'job-controller' }) source!: string;
}

export class JobSummaryDto implements JobSummary {
  @ApiProperty({ enum: PHASES, example: 'Failed' }) phase!: JobPhase;
  @ApiProperty({
    example: 'BackoffLimitExceeded',
    description:
      'Why: the deciding condition, else the most telling pod state, else the latest Warning event',
  })
  reason!: string;
  @ApiProperty({ example: 'Job has reached the specified backoff limit' }) message!: string;
  @ApiProperty({ enum: SOURCES, example: 'condition', description: 'Where reason and message come from' })
  reasonSource!: ReasonSource;
  @ApiProperty({ type: JobRefDto }) job!: JobRefDto;
  @ApiProperty({ type: JobCountsDto }) counts!: JobCountsDto;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: '2026-11-30T06:00:00Z',
    description: 'status.startTime',
  })
  startTime!: string | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: '2026-11-30T06:00:02Z',
    description: 'status.completionTime, or when the Failed condition became True',
  })
  endTime!: string | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 2,
    description: 'From startTime to endTime, or to now',
  })
  durationSeconds!: number | null;
  @ApiProperty({ type: [PodSummaryDto], description: 'Oldest first' }) pods!: PodSummaryDto[];
  @ApiProperty({
    type: [EventSummaryDto],
    description: 'The last 10 events of the Job and its pods, oldest first',
  })
  events!: EventSummaryDto[];
}
