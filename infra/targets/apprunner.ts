import { AppRunnerService } from "../../components/apprunner";
import { APPRUNNER_INSTANCE_SIZES } from "@polyarch/platform";
import { checkSize } from "./sizes";
import { schema } from "./apprunner-schema";
import { TargetModule } from "./target-module";

/** App Runner (x86_64 only; closed to new customers since 2026-04-30, kept for existing ones). */
export const appRunnerTarget: TargetModule<"apprunner"> = {
    target: "apprunner",
    schema,
    check(service, at) {
        checkSize(APPRUNNER_INSTANCE_SIZES, "App Runner", 1024, service, at);
    },
    deploy({ service, image }, ctx) {
        const app = new AppRunnerService(service.name, {
            image,
            cpu: service.cpu,
            memory: service.memory,
            port: service.port,
            healthCheckPath: service.healthPath,
            environment: ctx.environmentOf(service),
            tags: ctx.tags,
        });
        ctx.record({ service, image }, app.serviceUrl, { architecture: app.architecture });
    },
    notices(services) {
        return services.map((service) => `service '${service.name}' targets App Runner, which has been closed to new customers ` +
            "since 2026-04-30: it deploys only in accounts that already use App Runner. New accounts: change its target to 'ecs' " +
            "(Fargate, either architecture) or 'ecs-express' as the README's \"Moving off App Runner\" shows");
    },
};
