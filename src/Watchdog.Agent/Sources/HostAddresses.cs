using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Watchdog.Agent.Sources;

/// <summary>The addresses this host has on its interfaces (tests pass a fixed list).</summary>
public interface IHostAddressProvider
{
    /// <summary>Unicast addresses of interfaces that are up, loopback excluded.</summary>
    IReadOnlyList<IPAddress> GetAddresses();
}

/// <summary><see cref="IHostAddressProvider"/> over <see cref="NetworkInterface"/>.</summary>
public sealed class NetworkInterfaceAddressProvider : IHostAddressProvider
{
    /// <inheritdoc />
    public IReadOnlyList<IPAddress> GetAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a))
            .ToList();
}

/// <summary>A fixed list of addresses.</summary>
public sealed class FixedHostAddressProvider(params IPAddress[] addresses) : IHostAddressProvider
{
    /// <inheritdoc />
    public IReadOnlyList<IPAddress> GetAddresses() => addresses;
}

/// <summary>Classifies addresses that are not reachable from the internet as they are (NAT needed).</summary>
public static class AddressScope
{
    /// <summary>RFC 1918, carrier-grade NAT (100.64/10), link-local, and IPv6 unique-local / link-local.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return (b[0] & 0xFE) == 0xFC || address.IsIPv6LinkLocal;
        }

        var v = address.GetAddressBytes();
        return v[0] == 10
            || (v[0] == 172 && v[1] is >= 16 and <= 31)
            || (v[0] == 192 && v[1] == 168)
            || (v[0] == 100 && v[1] is >= 64 and <= 127)
            || (v[0] == 169 && v[1] == 254);
    }

    /// <summary>An IPv6 address reachable from the internet: global unicast (2000::/3), not mapped IPv4, loopback, link-local or unique-local.</summary>
    public static bool IsGlobalIPv6(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || address.IsIPv4MappedToIPv6 || IPAddress.IsLoopback(address))
        {
            return false;
        }

        return (address.GetAddressBytes()[0] & 0xE0) == 0x20;
    }
}
