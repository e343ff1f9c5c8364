# A valid value for every parameter of every project document without a default: the parse tests render
# each document with these. A new document needs its entry here.
@{
  'group-change' = @{ Action = 'remove'; GroupName = 'gMSA Hosts'; ComputerNames = 'EC2AMAZ-A1B2C3D$,WEB1$'; DeleteComputerAccount = 'true'; DomainName = 'corp.example.com' }
  'list-members' = @{ GroupName = 'gMSA Hosts'; DomainName = 'corp.example.com' }
  'refresh-linux' = @{ DomainName = 'corp.example.com' }
  'refresh-windows' = @{ RestartEcsAgent = 'true' }
}
