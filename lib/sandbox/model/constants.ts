// Values more than one model (and the checks that read the models) share. A leaf: it imports nothing,
// so no model has to import a value back from the account that assembles them.

/** The characters of a Windows AMI's default host name after EC2AMAZ- (and of a Linux join's new name). */
export const WINDOWS_NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** AWS's own domain-join document, which the launch sends (aws-facts 4.7). */
export const JOIN_DOCUMENT = 'AWS-JoinDirectoryServiceDomain';
