/**
 * Rollbacks need whole deploys: the lifecycle policy applied, with ECR's own rule semantics
 * (test/support/ecr-lifecycle.ts), to simulated push histories of many deploys.
 */
import { strict as assert } from "assert";
import { ARCHITECTURES, targetArch } from "../../components/platform";
import { INDEX_RELEASE_TAG_PREFIX, RELEASE_TAG_PREFIX, lifecyclePolicy } from "../../components/registry";
import { StoredImage, expiredBy } from "../support/ecr-lifecycle";

const [ARM, X86] = ARCHITECTURES.map(targetArch);

/** A deploy: which platforms were rebuilt (pushed with a new release tag) and whether an index joins them. */
interface Deploy {
    rebuilt: string[];
    index: boolean;
}

interface Release {
    index?: string;
    platforms: string[];
}

/**
 * Runs a history of deploys, one a day, against a repository whose lifecycle policy runs after each
 * (ECR applies it within 24 hours and deletes what it expires), and returns, after each day, how
 * many of the newest deploys are still whole and the kept indexes that lost a platform image.
 */
function simulate(policy: object, deploys: readonly Deploy[]): { whole: number[]; orphanedIndexes: string[] } {
    let images: StoredImage[] = [];
    const latest: Record<string, string> = {};
    const releases: Release[] = [];
    const whole: number[] = [];
    const orphanedIndexes: string[] = [];
    deploys.forEach((deploy, day) => {
        let clock = day;
        for (const arch of deploy.rebuilt) {
            // buildx rewrites the cache tag: the previous cache manifest becomes untagged.
            images = images.map((image) => ({ ...image, tags: image.tags.filter((tag) => tag !== `cache-${arch}`) }));
            images.push({ digest: `cache-${arch}-${day}`, tags: [`cache-${arch}`], pushedAt: (clock += 0.01) });
            latest[arch] = `${arch}-${day}`;
            images.push({ digest: latest[arch], tags: [`${RELEASE_TAG_PREFIX}${arch}-${day}`], pushedAt: (clock += 0.01) });
        }
        const platforms = Object.values(latest);
        if (deploy.index) {
            const digest = `index-${day}`;
            images.push({ digest, tags: [`${INDEX_RELEASE_TAG_PREFIX}${day}`], pushedAt: (clock += 0.01), children: platforms });
            releases.push({ index: digest, platforms });
        } else {
            releases.push({ platforms });
        }
        const expired = expiredBy(policy as never, images, day + 0.5);
        images = images.filter((image) => !expired.has(image.digest));
        const present = new Set(images.map((image) => image.digest));
        let count = 0;
        for (const release of [...releases].reverse()) {
            if (![...(release.index ? [release.index] : []), ...release.platforms].every((digest) => present.has(digest))) {
                break;
            }
            count++;
        }
        whole.push(count);
        for (const index of images.filter((image) => image.children?.some((child) => !present.has(child)))) {
            orphanedIndexes.push(index.digest);
        }
    });
    return { whole, orphanedIndexes };
}

/** The fewest newest deploys that stayed whole, once the history is longer than `keep`. */
function fewestWholeDeploys(policy: object, deploys: readonly Deploy[], keep: number): number {
    return Math.min(...simulate(policy, deploys).whole.slice(keep));
}

/** The policy this replaced: one count over every `release-` tag. */
const singleCountPolicy = (keep: number) => ({
    rules: [
        { rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } },
        { rulePriority: 2, selection: { tagStatus: "tagged", tagPrefixList: [RELEASE_TAG_PREFIX], countType: "imageCountMoreThan", countNumber: keep }, action: { type: "expire" } },
    ],
});

/** A pseudo-random but fixed history: some deploys rebuild one platform, some both. */
function mixedHistory(length: number): Deploy[] {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    return Array.from({ length }, (_, i) => {
        const roll = next();
        const rebuilt = i === 0 || roll < 0.4 ? [ARM, X86] : roll < 0.7 ? [ARM] : [X86];
        return { rebuilt, index: true };
    });
}

describe("ECR lifecycle policy over many deploys (ECR's rule semantics, applied after every deploy)", () => {
    for (const keep of [3, 5, 30]) {
        it(`keeps the newest ${keep} multi-architecture deploys whole, index and every platform image, at every point (keepReleases ${keep})`, () => {
            const history = mixedHistory(keep * 4 + 7);
            assert.equal(fewestWholeDeploys(lifecyclePolicy(keep, 14), history, keep), keep);
            assert.deepEqual(simulate(lifecyclePolicy(keep, 14), history).orphanedIndexes, [], "no kept index ever lost a platform image");
        });

        it(`keeps the newest ${keep} single-architecture deploys (keepReleases ${keep})`, () => {
            const history = Array.from({ length: keep * 3 }, () => ({ rebuilt: [ARM], index: false }));
            assert.equal(fewestWholeDeploys(lifecyclePolicy(keep, 14), history, keep), keep);
        });
    }

    it("keeps the current cache manifests, whatever the history (the next build's cache)", () => {
        const history = mixedHistory(40);
        const policy = lifecyclePolicy(3, 14) as never;
        // Replay and look at the final repository: each platform's cache tag still points somewhere.
        let images: StoredImage[] = [];
        history.forEach((deploy, day) => {
            for (const arch of deploy.rebuilt) {
                images = images.map((image) => ({ ...image, tags: image.tags.filter((tag) => tag !== `cache-${arch}`) }));
                images.push({ digest: `cache-${arch}-${day}`, tags: [`cache-${arch}`], pushedAt: day });
            }
            const expired = expiredBy(policy, images, day + 0.5);
            images = images.filter((image) => !expired.has(image.digest));
        });
        for (const arch of [ARM, X86]) {
            assert.ok(images.some((image) => image.tags.includes(`cache-${arch}`)), `cache-${arch} survives`);
        }
    });

    it("shows why: the single count it replaced keeps fewer deploys than asked and keeps indexes without their platform images", () => {
        const history = mixedHistory(40);
        assert.ok(fewestWholeDeploys(singleCountPolicy(5), history, 5) < 5, "the old policy keeps fewer than 5 whole deploys");
        assert.ok(simulate(singleCountPolicy(5), history).orphanedIndexes.length > 0, "an index outlives a platform image it references");
    });
});
