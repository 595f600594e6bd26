import { Entity } from 'typeorm';
import { DateColumn, IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';

/** A user's star on a project (`starProject`, `Project.starCount`, `User.starredProjects`). */
@Entity({ name: 'project_stars' })
export class ProjectStar {
  @IdColumn()
  id!: number;

  @IntColumn('user_id')
  userId!: number;

  @IntColumn('project_id')
  projectId!: number;

  @TimestampColumn('created_at')
  createdAt!: Date;
}

/** A project topic (`Query.topics`, `Project.topics`). Names are unique whatever their case. */
@Entity({ name: 'topics' })
export class Topic {
  @IdColumn()
  id!: number;

  @StringColumn('name')
  name!: string;

  @StringColumn('title')
  title!: string;

  @StringColumn('description', { nullable: true })
  description!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

/** A topic given to a project, in the order the topics were given. */
@Entity({ name: 'project_topics' })
export class ProjectTopic {
  @IdColumn()
  id!: number;

  @IntColumn('project_id')
  projectId!: number;

  @IntColumn('topic_id')
  topicId!: number;

  @IntColumn('position')
  position!: number;
}

/** Visits of a user to a project or group, per day (what `frecentProjects` and `frecentGroups` rank by). */
@Entity({ name: 'visits' })
export class Visit {
  @IdColumn()
  id!: number;

  @IntColumn('user_id')
  userId!: number;

  /** `Project` or `Namespace`. */
  @StringColumn('source_type')
  sourceType!: string;

  @IntColumn('source_id')
  sourceId!: number;

  @DateColumn('visited_on', { nullable: false })
  visitedOn!: string;

  @IntColumn('visit_count')
  visitCount!: number;

  /** The day's last counted visit (null for rows written before it was kept). */
  @TimestampColumn('last_visited_at', { nullable: true })
  lastVisitedAt!: Date | null;
}

export const PROJECT_EXTRA_ENTITIES = [ProjectStar, Topic, ProjectTopic, Visit];
