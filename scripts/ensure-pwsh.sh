#!/usr/bin/env bash
# Installs what `npm run test:documents` needs to run the SSM documents' PowerShell: PowerShell 7.6.9 (a .NET
# global tool) and Pester 5.7.1 (a NuGet package). Idempotent; prints the pwsh and Pester paths it found or made.
set -euo pipefail

PWSH_VERSION=7.6.9
PESTER_VERSION=5.7.1
tools="${DOTNET_TOOLS_DIR:-$HOME/.dotnet/tools}"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "ensure-pwsh: the .NET SDK (dotnet) is needed to install PowerShell $PWSH_VERSION and Pester $PESTER_VERSION" >&2
  exit 1
fi

pwsh="$tools/pwsh"
if [ -x "$pwsh" ] && [ "$("$pwsh" --version)" = "PowerShell $PWSH_VERSION" ]; then
  : # already there
elif [ -x "$pwsh" ]; then
  dotnet tool update --global PowerShell --version "$PWSH_VERSION"
else
  dotnet tool install --global PowerShell --version "$PWSH_VERSION"
fi

pester="$packages/pester/$PESTER_VERSION/tools/Pester.psd1"
if [ ! -f "$pester" ]; then
  # PackageDownload fetches a package into the NuGet cache without a project that references it.
  # The target framework is the SDK's own (net<major>.0), which needs no extra reference packages.
  framework="net$(dotnet --version | cut -d. -f1).0"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cat >"$work/pester.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>$framework</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PESTER_VERSION]" /></ItemGroup>
</Project>
EOF
  dotnet restore "$work/pester.csproj" --verbosity quiet
fi
if [ ! -f "$pester" ]; then
  echo "ensure-pwsh: Pester $PESTER_VERSION was not found at $pester after dotnet restore" >&2
  exit 1
fi

echo "pwsh: $pwsh"
echo "Pester: $pester"
