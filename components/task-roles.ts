import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, ecrPullStatements, logWriteStatement, policyDocument } from "./iam";

/** An ECS task's two identities: the execution role ECS uses, and the role the app runs as. */
export interface TaskRoles {
    executionRole: aws.iam.Role;
    /** The execution role's permissions: what must exist before ECS starts a task. */
    executionPolicy: aws.iam.RolePolicy;
    taskRole: aws.iam.Role;
}

/**
 * The roles of an ECS task (Fargate or Express Mode), children of `parent`: the execution role may
 * pull from one repository and write one log group, nothing else; the task role starts empty.
 */
export function taskRoles(name: string, parent: pulumi.Resource, image: { repositoryArn: pulumi.Input<string> },
    logGroup: aws.cloudwatch.LogGroup, tags?: Record<string, pulumi.Input<string>>): TaskRoles {
    const executionRole = new aws.iam.Role(`${name}-execution-role`, {
        assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
        tags,
    }, { parent });
    const executionPolicy = new aws.iam.RolePolicy(`${name}-execution`, {
        role: executionRole.id,
        policy: policyDocument([...ecrPullStatements(image.repositoryArn), logWriteStatement(logGroup.arn)]),
    }, { parent });
    const taskRole = new aws.iam.Role(`${name}-task-role`, {
        assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
        tags,
    }, { parent });
    return { executionRole, executionPolicy, taskRole };
}
