# A valid value for every parameter of every project document without a default: the parse tests render
# each document with these. A new document needs its entry here.
@{
  'join-linux' = @{ DomainName = 'corp.example.com'; OuPath = 'OU=Hosts,DC=corp,DC=example,DC=com'; DnsIpAddresses = '10.0.0.10,10.0.1.10'; SecretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gmsa-ready/join-AbCdEf' }
  'join-windows' = @{ DomainName = 'corp.example.com'; OuPath = 'OU=Hosts,DC=corp,DC=example,DC=com'; DnsIpAddresses = '10.0.0.10,10.0.1.10'; SecretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gmsa-ready/join-AbCdEf' }
  'group-change' = @{ Action = 'remove'; GroupName = 'gMSA Hosts'; ComputerNames = 'EC2AMAZ-A1B2C3D$,WEB1$'; ObjectSids = 'S-1-5-21-1004336348-1177238915-682003330-1101,-'; DeleteComputerAccount = 'true'; DomainName = 'corp.example.com' }
  'doctor-probe' = @{ GroupName = 'gMSA Hosts'; DomainName = 'corp.example.com'; GmsaNames = 'OrdersApi,PaymentsApi' }
  'list-members' = @{ GroupName = 'gMSA Hosts'; DomainName = 'corp.example.com' }
  'refresh-linux' = @{ DomainName = 'corp.example.com' }
  'refresh-windows' = @{ RestartEcsAgent = 'true' }
}
