/**
 * A twin playing the home backup box: an SFTP login (key made on the box) with a folder for restic
 * repositories. What a VPS needs to reach it goes into a homelabResticApi credential.
 */
import { twinFile, type Twin } from '../twin';

export interface BackupBox {
	user: string;
	/** Parent folder of the repositories, owned by the user. */
	folder: string;
	/** The key the VPS logs in with (made on the box; authorized there). */
	privateKey: string;
	/** The box's host key line, for pinning. */
	hostKey: string;
}

export function prepareBackupBox(box: Twin, user = 'restic'): BackupBox {
	const result = box.exec(`set -e
useradd -m ${user}
install -d -o ${user} -g ${user} -m 0700 /srv/restic
ssh-keygen -q -t ed25519 -N '' -C vps-to-box -f /root/box-client
install -d -o ${user} -g ${user} -m 0700 /home/${user}/.ssh
install -o ${user} -g ${user} -m 0600 /root/box-client.pub /home/${user}/.ssh/authorized_keys`);
	if (result.code !== 0) throw new Error(`preparing the backup box failed: ${result.stderr}`);
	return {
		user,
		folder: '/srv/restic',
		privateKey: twinFile(box, 'root/box-client')!,
		hostKey: twinFile(box, 'etc/ssh/ssh_host_ed25519_key.pub')!,
	};
}
