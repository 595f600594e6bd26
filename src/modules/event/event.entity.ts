import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';

/** GitLab's event actions (`Event::ACTIONS`); Labgate records pushes only. */
export const EVENT_ACTIONS = { created: 1, updated: 2, closed: 3, reopened: 4, pushed: 5, commented: 6, merged: 7, joined: 8, left: 9, destroyed: 10, expired: 11, approved: 12 } as const;

/** What a push did to its ref (`PushEventPayload.action`). */
export const PUSH_ACTIONS = { created: 0, removed: 1, pushed: 2 } as const;

/** The kind of ref pushed (`PushEventPayload.ref_type`). */
export const REF_TYPES = { branch: 0, tag: 1 } as const;

/** Something a user did in a project, at a time (GitLab's `events`). */
@Entity({ name: 'events' })
export class Event {
  @IdColumn()
  id!: number;

  @IntColumn('project_id', { nullable: true })
  projectId!: number | null;

  @IntColumn('author_id')
  authorId!: number;

  @IntColumn('action')
  action!: number;

  @StringColumn('target_type', { nullable: true })
  targetType!: string | null;

  @IntColumn('target_id', { nullable: true })
  targetId!: number | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

/** The details of a push event: one ref, or (a bulk push) only how many refs. */
@Entity({ name: 'push_event_payloads' })
export class PushEventPayload {
  @PrimaryColumn({ name: 'event_id', type: 'integer' })
  eventId!: number;

  @IntColumn('commit_count')
  commitCount!: number;

  @IntColumn('action')
  action!: number;

  @IntColumn('ref_type')
  refType!: number;

  @StringColumn('commit_from', { nullable: true })
  commitFrom!: string | null;

  @StringColumn('commit_to', { nullable: true })
  commitTo!: string | null;

  @StringColumn('ref', { nullable: true })
  ref!: string | null;

  @StringColumn('commit_title', { nullable: true })
  commitTitle!: string | null;

  @Column({ name: 'ref_count', type: 'integer', nullable: true })
  refCount!: number | null;
}

export const EVENT_ENTITIES = [Event, PushEventPayload];
