/**
 * ECR's lifecycle policy evaluation, as its user guide states it ("Lifecycle policy properties" and
 * "How lifecycle policies work"), applied to a simulated repository. Written from the documented
 * semantics, not from our policy, so it can refute it:
 * - rules are applied in ascending `rulePriority`;
 * - `tagStatus: tagged` with `tagPrefixList` selects an image when, for every prefix, one of the
 *   image's tags starts with it; `untagged` selects images with no tag; `any` selects all;
 * - `imageCountMoreThan` sorts the selected images newest pushed first and expires those past
 *   `countNumber`; `sinceImagePushed` expires those pushed more than `countNumber` days ago;
 * - an image that matches the tag selection of a higher-priority rule is never expired by a lower
 *   one, though lower rules still count it;
 * - every manifest counts as an image: an index and each platform image alike.
 */

export interface StoredImage {
    digest: string;
    tags: string[];
    /** Days since some origin; larger is newer. */
    pushedAt: number;
    /** Digests an index references (its platform images). */
    children?: string[];
}

interface Rule {
    rulePriority: number;
    selection: {
        tagStatus: "tagged" | "untagged" | "any";
        tagPrefixList?: string[];
        countType: "imageCountMoreThan" | "sinceImagePushed";
        countUnit?: "days";
        countNumber: number;
    };
    action: { type: "expire" };
}

function matchesTags(rule: Rule, image: StoredImage): boolean {
    const { tagStatus, tagPrefixList } = rule.selection;
    if (tagStatus === "any") {
        return true;
    }
    if (tagStatus === "untagged") {
        return image.tags.length === 0;
    }
    return image.tags.length > 0 && (tagPrefixList ?? []).every((prefix) => image.tags.some((tag) => tag.startsWith(prefix)));
}

/** The digests the policy expires from `images` on day `today`. */
export function expiredBy(policy: { rules: Rule[] }, images: readonly StoredImage[], today: number): Set<string> {
    const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
    const expired = new Set<string>();
    const claimed = new Set<string>();
    for (const rule of rules) {
        const selected = images.filter((image) => matchesTags(rule, image));
        let candidates: StoredImage[];
        if (rule.selection.countType === "imageCountMoreThan") {
            candidates = [...selected].sort((a, b) => b.pushedAt - a.pushedAt).slice(rule.selection.countNumber);
        } else {
            candidates = selected.filter((image) => today - image.pushedAt > rule.selection.countNumber);
        }
        for (const image of candidates) {
            if (!claimed.has(image.digest)) {
                expired.add(image.digest);
            }
        }
        for (const image of selected) {
            claimed.add(image.digest);
        }
    }
    return expired;
}
