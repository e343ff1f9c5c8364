// Tiny CloudFormation value helpers for the builders: ARNs stay region/account/partition independent.

export type CfnValue = string | { [intrinsic: string]: unknown };

export const sub = (template: string): CfnValue => ({ 'Fn::Sub': template });
export const ref = (logicalId: string): CfnValue => ({ Ref: logicalId });
export const getAtt = (logicalId: string, attribute = 'Arn'): CfnValue => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** arn:<partition>:<service>:<this region>:<this account>:<rest>; `rest` may hold further ${...} references. */
export const regionalArn = (service: string, rest: string): CfnValue =>
  sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`);
