export function bucketName(prefix: string): string {
    return `${prefix}-assets`;
}
