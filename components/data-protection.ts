import * as pulumi from "@pulumi/pulumi";

/**
 * Resource options for a resource that holds data (images, a cluster's state, a key). `protect`
 * refuses `pulumi destroy`; `retainOnDelete` keeps the cloud resource if it leaves the program.
 * Pulumi inherits `protect` from a parent but not `retainOnDelete`, so components set both here,
 * on exactly the resources that hold data.
 */
export function dataProtection(enabled: boolean | undefined): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
    return enabled ? { protect: true, retainOnDelete: true } : {};
}
