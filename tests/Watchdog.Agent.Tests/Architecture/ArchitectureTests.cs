using Mono.Cecil;
using Mono.Cecil.Cil;
using NetArchTest.Rules;
using Watchdog.Agent.Hosting;

namespace Watchdog.Agent.Tests.Architecture;

/// <summary>
/// The direction of the data path, pinned: Sources → Detection → decisions (Healing, Security) → Actuators;
/// State is the truth the others read; Metrics, Api and Alerting consume. A rule that fails names the types.
/// </summary>
public class ArchitectureTests
{
    private const string Root = "Watchdog.Agent";
    private static readonly System.Reflection.Assembly Agent = typeof(AgentServiceCollectionExtensions).Assembly;

    private static string Ns(string folder) => $"{Root}.{folder}";

    private static string[] Decisions => [Ns("Healing"), Ns("Security")];

    private static void Holds(ConditionList rule, string what)
    {
        var result = rule.GetResult();
        Assert.True(result.IsSuccessful, $"{what}; offending types: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void State_depends_on_nothing_downstream()
    {
        Holds(Types.InAssembly(Agent).That().ResideInNamespace(Ns("State")).ShouldNot()
            .HaveDependencyOnAny([.. Decisions, Ns("Actuators"), Ns("Detection"), Ns("Sources"), Ns("Alerting"), Ns("Metrics"), Ns("Api"),
                Ns("Diagnosis"), Ns("Doctor"), Ns("Probes"), Ns("Hosting")]),
            "State must depend only on the AMI protocol");
    }

    [Fact]
    public void Detection_depends_on_no_decision_or_actuator()
    {
        Holds(Types.InAssembly(Agent).That().ResideInNamespace(Ns("Detection")).ShouldNot()
            .HaveDependencyOnAny([.. Decisions, Ns("Actuators"), Ns("Api"), Ns("Hosting")]),
            "Detectors turn observations into incidents; they never choose or take actions");
    }

    [Fact]
    public void Sources_do_not_know_who_listens()
    {
        Holds(Types.InAssembly(Agent).That().ResideInNamespace(Ns("Sources")).ShouldNot()
            // Actuators is allowed for one reason: the journal is read through journalctl, a process, and
            // processes are started only by the actuators' runner.
            .HaveDependencyOnAny([.. Decisions, Ns("Alerting"), Ns("Metrics"), Ns("Api"), Ns("Diagnosis"), Ns("Doctor"), Ns("Probes"), Ns("Hosting")]),
            "Sources deliver what they read to whoever subscribed");
    }

    [Fact]
    public void Nothing_but_the_composition_root_depends_on_the_api()
    {
        Holds(Types.InAssembly(Agent).That().DoNotResideInNamespace(Ns("Api")).And().DoNotResideInNamespace(Ns("Hosting"))
                .And().DoNotHaveName(nameof(AgentSettings)).ShouldNot()
            .HaveDependencyOn(Ns("Api")),
            "The API reads the agent; nothing reads the API");
    }

    [Fact]
    public void Alerting_depends_on_no_decision_or_actuator()
    {
        Holds(Types.InAssembly(Agent).That().ResideInNamespace(Ns("Alerting")).ShouldNot()
            .HaveDependencyOnAny([.. Decisions, Ns("Actuators"), Ns("Sources"), Ns("Api"), Ns("Hosting")]),
            "Alerting consumes incidents and outcomes");
    }

    [Fact]
    public void Only_actuators_start_processes()
    {
        var offenders = Calls(m => m.DeclaringType.FullName == "System.Diagnostics.Process" && m.Name == "Start"
                || m.DeclaringType.FullName == "System.Diagnostics.ProcessStartInfo" && m.Name == ".ctor")
            .Where(c => !c.StartsWith(Ns("Actuators") + ".", StringComparison.Ordinal))
            .ToList();
        Assert.True(offenders.Count == 0, "processes started outside Actuators: " + string.Join(", ", offenders));
    }

    /// <summary>AMI actions that change Asterisk (re-register, reload, restart, console commands, call control).</summary>
    private static readonly HashSet<string> ChangingActions = new(StringComparer.OrdinalIgnoreCase)
    {
        "PJSIPRegister", "PJSIPUnregister", "ModuleLoad", "Reload", "Command", "Shutdown", "Originate", "Hangup", "Redirect",
        "Setvar", "UpdateConfig", "PJSIPQualify", "LoggerRotate",
    };

    [Fact]
    public void Only_actuators_send_ami_actions_that_change_asterisk()
    {
        var factories = Calls(m => m.DeclaringType.FullName == "Watchdog.Ami.AmiActions" && ChangingActions.Contains(m.Name) || m.DeclaringType.FullName == "Watchdog.Ami.AmiActions" && m.Name == "ModuleReload");
        var literals = Methods().Where(m => m.Body.Instructions.Any(i => i.OpCode == OpCodes.Newobj && i.Operand is MethodReference c && c.DeclaringType.FullName == "Watchdog.Ami.AmiAction")
                && m.Body.Instructions.Any(i => i.OpCode == OpCodes.Ldstr && ChangingActions.Contains((string)i.Operand)))
            .Select(m => Outer(m.DeclaringType).FullName + "." + m.Name);
        var offenders = factories.Concat(literals).Where(c => !c.StartsWith(Ns("Actuators") + ".", StringComparison.Ordinal)).Distinct().ToList();
        Assert.True(offenders.Count == 0, "state-changing AMI actions built outside Actuators: " + string.Join(", ", offenders));
    }

    [Fact]
    public void The_rules_see_the_code_they_judge()
    {
        // A rule over an empty set passes vacuously: make sure each folder the rules name has types.
        foreach (var folder in new[] { "Sources", "Detection", "Healing", "Security", "Actuators", "State", "Metrics", "Api", "Alerting" })
        {
            Assert.True(Types.InAssembly(Agent).That().ResideInNamespace(Ns(folder)).GetTypes().Any(), folder + " has no types");
        }
        Assert.NotEmpty(Calls(m => m.DeclaringType.FullName == "System.Diagnostics.Process" && m.Name == "Start"));
        Assert.NotEmpty(Calls(m => m.DeclaringType.FullName == "Watchdog.Ami.AmiActions" && m.Name == "PJSIPRegister"));
    }

    private static readonly Lazy<List<MethodDefinition>> AllMethods = new(() =>
    {
        var module = ModuleDefinition.ReadModule(Agent.Location, new ReaderParameters { ReadingMode = ReadingMode.Immediate, InMemory = true });
        return module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody).ToList();
    });

    private static IEnumerable<MethodDefinition> Methods() => AllMethods.Value;

    /// <summary>"Namespace.Type.Method" of every method in the agent that calls a method matching <paramref name="callee"/> (lambdas and async state machines count for their outer type's namespace).</summary>
    private static List<string> Calls(Func<MethodReference, bool> callee) =>
        Methods().Where(m => m.Body.Instructions.Any(i => (i.OpCode == OpCodes.Call || i.OpCode == OpCodes.Callvirt || i.OpCode == OpCodes.Newobj)
                && i.Operand is MethodReference r && callee(r)))
            .Select(m => Outer(m.DeclaringType).FullName + "." + m.Name)
            .Distinct()
            .ToList();

    private static TypeDefinition Outer(TypeDefinition type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }
}
