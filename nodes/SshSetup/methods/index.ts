export { sshSetupConnectionTest } from '../../../lib/ssh-credential-test';
export { resticRepositoryTest } from './resticRepositoryTest';
