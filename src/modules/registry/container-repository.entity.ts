import { Entity } from 'typeorm';
import { IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';

/** An image repository of a project (GitLab's `ContainerRepository`), recorded on its first granted push. */
@Entity({ name: 'container_repositories' })
export class ContainerRepository {
  @IdColumn()
  id!: number;

  @IntColumn('project_id')
  projectId!: number;

  /** The path below the project's, lower case; `''` for the project's own path. */
  @StringColumn('name')
  name!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;
}
