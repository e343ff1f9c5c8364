// A like-for-like comparison for the cold-start table: the lifecycle function as it would be if it imported
// every AWS client the project uses (EC2 included), the shape this project avoids.
export { handler } from '../functions/lifecycle';
export * from './baseline';
